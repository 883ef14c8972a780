// The whole chain on the sample data: AMAT Train (which also trains the standard model it
// calibrates on), Adversarial Attack on the test images, then the Robustness Report comparing
// the standard and the AMAT model. Each step is one of the example macros beside this one.
// Argument (optional): "sample-data folder;output folder;epochs;noise levels;macros folder"
args = split(getArgument(), ";");
data = "";  out = getDirectory("temp") + "amat" + File.separator;  epochs = "25";  levels = "";
if (args.length > 0 && args[0] != "") data = args[0];
if (args.length > 1 && args[1] != "") out = args[1];
if (args.length > 2 && args[2] != "") epochs = args[2];
if (args.length > 3 && args[3] != "") levels = args[3];
if (data == "") data = getDirectory("Choose the AMAT sample-data folder");
here = "";
if (args.length > 4) here = args[4];
if (here == "") here = File.getDirectory(getInfo("macro.filepath"));
if (!endsWith(here, File.separator)) here = here + File.separator;
if (here == "" || !File.exists(here + "amat-train.ijm")) here = getDirectory("Choose the AMAT macros folder");
runMacro(here + "amat-train.ijm", data + ";" + out + ";" + epochs);
runMacro(here + "adversarial-attack.ijm", data + ";" + out + ";segmentation-amat.amat.zip");
runMacro(here + "robustness-report.ijm", data + ";" + out + ";" + levels);
