// Landmark detection on the sample skull profiles, the whole chain: AMAT Train (which first
// trains the standard model it calibrates on), Adversarial Attack on the test images, and the
// Robustness Report of both models. The landmarks are the named point ROIs in each stack's
// overlay (sample-data/landmarks/*-images.tif), so no label image is given: mark your own
// images with the multi-point tool (one point per landmark, in the same order on every image)
// or the ROI Manager, or train from files with
//   image_folder=[.../train-images.tif] label_file=[.../train-landmarks.csv]
// Argument (optional): "sample-data folder;output folder;epochs;noise levels;network width"
args = split(getArgument(), ";");
data = "";  out = getDirectory("temp") + "amat" + File.separator;  epochs = 25;  levels = "0,0.05,0.1,0.2";  width = 16;
if (args.length > 0 && args[0] != "") data = args[0];
if (args.length > 1 && args[1] != "") out = args[1];
if (args.length > 2 && args[2] != "") epochs = parseInt(args[2]);
if (args.length > 3 && args[3] != "") levels = args[3];
if (args.length > 4 && args[4] != "") width = parseInt(args[4]);
if (data == "") data = getDirectory("Choose the AMAT sample-data folder");
if (!endsWith(out, File.separator)) out = out + File.separator;
File.makeDirectory(out);
lm = data + File.separator + "landmarks" + File.separator;

setBatchMode(true);
open(lm + "train-images.tif");  rename("skulls");
run("AMAT Train", "image_stack=skulls task=landmarks method=AMAT model_file=[" + out + "landmarks-amat.amat.zip]" +
	" epochs=" + epochs + " batch_size=8 learning_rate=0.002 validation_fraction=0.2 seed=42 network_depth=3" +
	" network_width=" + width + " norm_layer=batch intensity_normalization=zscore pgd_steps=5 adversarial_weight=0.5" +
	" amat_delta=0.04 amat_max_margin=0 threshold_statistic=mean warm_start device=cpu");

open(lm + "test-images.tif");  rename("test-skulls");
run("Adversarial Attack", "input_image=test-skulls model_file=[" + out + "landmarks-amat.amat.zip]" +
	" attack=PGD norm=L2 noise_level=0.1 noise_unit=rms iterations=10 seed=42 device=cpu");
saveAs("Results", out + "landmark-attack-results.csv");
print("mean radial error clean " + mean("mre mm clean") + " mm, under attack " + mean("mre mm adversarial") + " mm");

models = out + "landmarks-amat-standard.amat.zip;" + out + "landmarks-amat.amat.zip";
run("Robustness Report", "model_files=[" + models + "] test_images=test-skulls attacks=pgd,fgsm,noise norm=L2" +
	" noise_levels=[" + levels + "] noise_unit=rms pgd_steps=10 restarts=1 output_folder=[" + out + "landmark-report]" +
	" seed=1 device=cpu");
print("report: " + out + "landmark-report" + File.separator + "report.html");

function mean(column) {
	s = 0;
	for (i = 0; i < nResults; i++) s += getResult(column, i);
	return s / nResults;
}
