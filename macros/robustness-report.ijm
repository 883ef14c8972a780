// Robustness Report: the standard and the AMAT model written by amat-train.ijm, under PGD, FGSM
// and white noise at L2 noise levels 0 to 0.2 rms, on the segmentation test images.
// Argument (optional): "sample-data folder;folder holding the models;noise levels"
args = split(getArgument(), ";");
data = "";  out = getDirectory("temp") + "amat" + File.separator;  levels = "0,0.05,0.1,0.15,0.2";
if (args.length > 0 && args[0] != "") data = args[0];
if (args.length > 1 && args[1] != "") out = args[1];
if (args.length > 2 && args[2] != "") levels = args[2];
if (data == "") data = getDirectory("Choose the AMAT sample-data folder");
if (!endsWith(out, File.separator)) out = out + File.separator;
seg = data + File.separator + "segmentation" + File.separator;

setBatchMode(true);
open(seg + "test-images.tif");  rename("test-images");
open(seg + "test-labels.tif");  rename("test-labels");
models = out + "segmentation-amat-standard.amat.zip;" + out + "segmentation-amat.amat.zip";
run("Robustness Report", "model_files=[" + models + "] test_images=test-images test_labels=test-labels" +
	" attacks=pgd,fgsm,noise norm=L2 noise_levels=[" + levels + "] noise_unit=rms pgd_steps=10 restarts=1" +
	" output_folder=[" + out + "report] seed=1 device=cpu");
print("report: " + out + "report" + File.separator + "report.html");
