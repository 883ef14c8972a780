// Adversarial Attack: PGD-L2 on the segmentation test images with a model trained by
// amat-train.ijm (or any segmentation model file), with the labels for per-slice Dice.
// Argument (optional): "sample-data folder;folder holding the model;model file name"
args = split(getArgument(), ";");
data = "";  out = getDirectory("temp") + "amat" + File.separator;  name = "segmentation-amat.amat.zip";
if (args.length > 0 && args[0] != "") data = args[0];
if (args.length > 1 && args[1] != "") out = args[1];
if (args.length > 2 && args[2] != "") name = args[2];
if (data == "") data = getDirectory("Choose the AMAT sample-data folder");
if (!endsWith(out, File.separator)) out = out + File.separator;
seg = data + File.separator + "segmentation" + File.separator;

setBatchMode(true);
open(seg + "test-images.tif");  rename("test-images");
open(seg + "test-labels.tif");  rename("test-labels");
run("Adversarial Attack", "input_image=test-images label_image=test-labels model_file=[" + out + name + "]" +
	" attack=PGD norm=L2 noise_level=0.1 noise_unit=rms iterations=20 seed=42 device=cpu");
selectImage("test-images adversarial prediction");
saveAs("Tiff", out + "adversarial-prediction.tif");
selectImage("test-images noise");
saveAs("Tiff", out + "noise.tif");
saveAs("Results", out + "attack-results.csv");
print("mean Dice clean " + mean("dice clean") + ", under attack " + mean("dice adversarial"));

function mean(column) {
	s = 0;
	for (i = 0; i < nResults; i++) s += getResult(column, i);
	return s / nResults;
}
