// Object detection on the blood-smear sample data: AMAT Train from the training stack and its
// CSV of boxes (AMAT first trains a standard model to calibrate the boundary on, saved beside
// it), then the test stack with its boxes as named rectangle ROIs on the overlay, an Adversarial
// Attack (predictions come back as ROIs and a "Predictions" table), and a Robustness Report of
// the standard and the AMAT model (mAP@0.5 against the noise level).
// Argument (optional): "sample-data folder;output folder;epochs;noise levels", e.g.
//   ImageJ -batch macros/detection.ijm "/path/to/AMAT/sample-data;/tmp/amat-detection;25;0,0.05,0.1"
args = split(getArgument(), ";");
data = "";  out = getDirectory("temp") + "amat-detection" + File.separator;  epochs = 25;
levels = "0,0.05,0.1,0.15";
if (args.length > 0 && args[0] != "") data = args[0];
if (args.length > 1 && args[1] != "") out = args[1];
if (args.length > 2 && args[2] != "") epochs = parseInt(args[2]);
if (args.length > 3 && args[3] != "") levels = args[3];
if (data == "") data = getDirectory("Choose the AMAT sample-data folder");
if (!endsWith(out, File.separator)) out = out + File.separator;
File.makeDirectory(out);
det = data + File.separator + "detection" + File.separator;

setBatchMode(true);
run("AMAT Train", "image_folder=[" + det + "train-images.tif] label_file=[" + det + "train-labels.csv]" +
	" task=detection method=AMAT model_file=[" + out + "detection-amat.amat.zip] epochs=" + epochs +
	" batch_size=8 learning_rate=0.002 validation_fraction=0.2 seed=42 network_depth=3 network_width=16" +
	" norm_layer=batch intensity_normalization=zscore pgd_steps=5 adversarial_weight=0.5 sat_norm=L2 sat_eps=0.1" +
	" sat_loss=mixed amat_delta=0.04 amat_max_margin=0 threshold_statistic=mean warm_start device=cpu");

// the test boxes as rectangle ROIs named by class, each on its slice
open(det + "test-images.tif");  rename("smear-test"); // a title no other open image has
lines = split(File.openAsString(det + "test-labels.csv"), "\n");
for (i = 1; i < lines.length; i++) {
	f = split(lines[i], ",");
	if (f.length < 6) continue;
	x0 = parseFloat(f[2]);  y0 = parseFloat(f[3]);
	makeRectangle(x0, y0, parseFloat(f[4]) - x0, parseFloat(f[5]) - y0);
	Roi.setName(f[1]);
	Overlay.addSelection;
	Overlay.setPosition(parseInt(f[0]));
}
run("Select None");

run("Adversarial Attack", "input_image=smear-test model_file=[" + out + "detection-amat.amat.zip]" +
	" attack=PGD norm=L2 noise_level=0.1 noise_unit=rms iterations=10 seed=42 device=cpu");
saveAs("Results", out + "attack-results.csv");
if (isOpen("Predictions")) Table.save(out + "predictions.csv", "Predictions"); // none when nothing scores 0.3

selectImage("smear-test");
models = out + "detection-amat-standard.amat.zip;" + out + "detection-amat.amat.zip";
run("Robustness Report", "model_files=[" + models + "] test_images=smear-test" +
	" attacks=pgd,noise norm=L2 noise_levels=[" + levels + "] noise_unit=rms pgd_steps=5 restarts=1" +
	" output_folder=[" + out + "report] seed=1 device=cpu");
print("report: " + out + "report" + File.separator + "report.html");
close("smear-test*");
