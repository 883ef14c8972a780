// AMAT Train on the segmentation sample data: AMAT training (it first trains a standard model
// to calibrate the boundary on, saved beside the AMAT model), then the model file.
// Argument (optional): "sample-data folder;output folder;epochs", e.g. from the command line
//   ImageJ -batch macros/amat-train.ijm "/path/to/AMAT/sample-data;/tmp/amat;25"
args = split(getArgument(), ";");
data = "";  out = getDirectory("temp") + "amat" + File.separator;  epochs = 25;
if (args.length > 0 && args[0] != "") data = args[0];
if (args.length > 1 && args[1] != "") out = args[1];
if (args.length > 2) epochs = parseInt(args[2]);
if (data == "") data = getDirectory("Choose the AMAT sample-data folder");
if (!endsWith(out, File.separator)) out = out + File.separator;
File.makeDirectory(out);
seg = data + File.separator + "segmentation" + File.separator;

setBatchMode(true);
open(seg + "train-images.tif");  rename("train-images");
open(seg + "train-labels.tif");  rename("train-labels");
run("AMAT Train", "image_stack=train-images label_stack=train-labels task=segmentation method=AMAT" +
	" model_file=[" + out + "segmentation-amat.amat.zip] epochs=" + epochs + " batch_size=8 learning_rate=0.002" +
	" validation_fraction=0.2 seed=42 network_depth=3 network_width=16 norm_layer=batch" +
	" intensity_normalization=zscore pgd_steps=10 adversarial_weight=0.5 sat_norm=L2 sat_eps=0.1" +
	" sat_loss=mixed amat_delta=0.02 amat_max_margin=0 threshold_statistic=mean warm_start device=cpu");
print("AMAT model: " + out + "segmentation-amat.amat.zip");
