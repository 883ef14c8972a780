// Volumes: AMAT Train on the MSD-style sample volumes (sample-data/volumes: NIfTI, dataset.json),
// slice by slice along z with the empty slices dropped, then the Robustness Report on the test
// volumes (imagesTs, labelsTs as files), which adds per-volume.csv (mean per-slice and pooled
// 3D Dice per volume) to the report.
// Argument (optional): "sample-data folder;output folder;epochs;noise levels;method", e.g.
//   ImageJ -batch macros/volumes.ijm "/path/to/AMAT/sample-data;/tmp/amat-volumes;10"
args = split(getArgument(), ";");
data = "";  out = getDirectory("temp") + "amat-volumes" + File.separator;  epochs = 10;
levels = "0,0.05,0.1,0.2";  method = "AMAT";
if (args.length > 0 && args[0] != "") data = args[0];
if (args.length > 1 && args[1] != "") out = args[1];
if (args.length > 2 && args[2] != "") epochs = parseInt(args[2]);
if (args.length > 3 && args[3] != "") levels = args[3];
if (args.length > 4 && args[4] != "") method = args[4];
if (data == "") data = getDirectory("Choose the AMAT sample-data folder");
if (!endsWith(out, File.separator)) out = out + File.separator;
File.makeDirectory(out);
vol = data + File.separator + "volumes" + File.separator;
model = out + "volumes-" + toLowerCase(method) + ".amat.zip";

setBatchMode(true);
// the MSD folder itself: its dataset.json names the training volumes, the modality, the classes
run("AMAT Train", "image_folder=[" + vol + "] task=segmentation method=" + method +
	" model_file=[" + model + "] epochs=" + epochs + " batch_size=8 learning_rate=0.002" +
	" validation_fraction=0.2 seed=42 network_depth=3 network_width=8 patch_size=0 slice_axis=z" +
	" empty_slices=drop norm_layer=batch intensity_normalization=zscore pgd_steps=5 adversarial_weight=0.5" +
	" sat_norm=L2 sat_eps=0.1 sat_loss=mixed sat_attack=PGD amat_delta=0.02 amat_max_margin=0" +
	" threshold_statistic=quantile threshold_level=0.1 follow_model device=cpu");
print("model: " + model);

// the test volumes as files (every z slice); the AMAT model beside the standard one it calibrated on
models = model;
standard = out + "volumes-" + toLowerCase(method) + "-standard.amat.zip";
if (File.exists(standard)) models = standard + ";" + model;
run("Robustness Report", "model_files=[" + models + "] test_image_path=[" + vol + "imagesTs]" +
	" test_label_path=[" + vol + "labelsTs] evaluation=custom attacks=pgd,noise norm=L2" +
	" noise_levels=[" + levels + "] noise_unit=rms pgd_steps=5 restarts=1" +
	" output_folder=[" + out + "volume-report] seed=1 device=cpu");
print("report: " + out + "volume-report" + File.separator + "report.html");
print("per volume: " + out + "volume-report" + File.separator + "per-volume.csv");
