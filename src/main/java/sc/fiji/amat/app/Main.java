package sc.fiji.amat.app;

import java.util.Arrays;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.train.TrainingMethods;

/**
 * The headless entry point: {@code train}, {@code demo}, {@code bench}, {@code generate}, {@code report},
 * {@code report-merge}, {@code attack}, {@code export}, {@code doctor}.
 */
public final class Main {

	private Main() {}

	public static void main(final String[] args) {
		final String command = args.length == 0 ? "help" : args[0];
		try {
			switch (command) {
				case "train":
					Train.run(new Args(args, 1));
					break;
				case "demo":
					Demo.run(new Args(args, 1));
					break;
				case "compare":
					Compare.run(new Args(args, 1));
					break;
				case "bench":
					Bench.run(new Args(args, 1));
					break;
				case "generate":
					Generate.run(new Args(args, 1));
					break;
				case "report":
					Report.run(new Args(args, 1));
					break;
				case "report-merge":
					Report.merge(args, 1);
					break;
				case "attack":
					Attack.run(new Args(args, 1), System.out);
					break;
				case "export":
					Export.run(new Args(args, 1));
					break;
				case "doctor": {
					new Args(args, 1).done();
					final sc.fiji.amat.doctor.Doctor d = sc.fiji.amat.doctor.Doctor.examine();
					System.out.println(d);
					if (!d.healthy) System.exit(3);
					break;
				}
				default:
					usage();
					if (!command.equals("help")) System.exit(2);
			}
		}
		catch (final AmatException e) {
			System.err.println("AMAT: " + e.getMessage());
			if (Boolean.getBoolean("amat.debug")) e.printStackTrace();
			System.exit(1);
		}
		System.exit(0); // DJL's native threads would keep the JVM alive
	}

	private static void usage() {
		System.out.println("AMAT " + AmatVersion.library() + " (DJL " + AmatVersion.djl() + ", PyTorch " + AmatVersion
			.pytorch() + ")\n" + //
			"usage: scripts/amat COMMAND [--option value ...]\n" + //
			"  train     AMAT Train from the command line: --images FOLDER|STACK --labels FOLDER|FILE --out M.amat.zip\n" + //
			"            [--patch-size P] [--threads N] [--fresh] [--keep-checkpoint]; resumes from its checkpoint\n" + //
			"            volumes (segmentation): --images an MSD folder (no --labels), a NIfTI folder, a .nii.gz;\n" + //
			"            --slice-axis z (x, y) --empty-slices keep (drop, every:K, fraction:F); see docs/volumes.md\n" + //
			"            AMAT Train's options and defaults:\n            " + Train.usage("            ") + "\n" + //
			"  demo      train on sample-data/TASK, save and reload the model, print the metric, time, memory;\n" + //
			"            then one seed of the comparison below (target/demo/report): SAT and AMAT, 5 epochs, T = 3,\n" + //
			"            strong evaluation at 0, 0.1, 0.2, 0.3 rms (the compare options apply; --sat-adversarial adds\n" + //
			"            SAT on the adversarial loss alone, --extra-checks the two sanity checks that cost attacks)\n" + //
			"            --task segmentation (default; or another task type: " + sc.fiji.amat.task.Tasks.names() + ")\n" + //
			"            --epochs 25 --threads (all cores) --out target/demo --seed 42 --no-report\n" + //
			"  compare   standard, SAT (AMAT's loss mix, and adversarial loss only) and AMAT, from scratch, several\n" + //
			"            seeds, strong evaluation; mean ± sd, paired AMAT - best SAT; prints its expected time first\n" + //
			"            --task segmentation --seeds 3 --on test|validation (choose defaults on validation only)\n" + //
			"            --out target/compare-TASK --epochs 25 (standard) --adv-epochs 8 --adv-steps 3 --eps 0,0.1,0.2,0.3\n" + //
			"            --sat-eps 0.1 --no-sat-adversarial --amat-delta (2 x largest SAT eps / adv-epochs)\n" + //
			"            --amat-variants \"mean;quantile+follow;relative+follow\" (several AMAT boundaries) --no-extra-checks\n" + //
			"            --amat-threshold quantile|joint|relative|mean|median|robust --amat-z 2 --amat-level 0.1\n" + //
			"            --amat-fixed (thresholds from the standard model, not following the model) --warm\n" + //
			"            --evaluation strong|standard|quick [--attacks pgd,fgsm --report-steps 10] [--eps 0,0.1]\n" + //
			"  bench     per task: every training method's step (interleaved rounds, median and quartiles),\n" + //
			"            attack throughput (PGD-T, PGD-20, strong preset), Java overhead, memory\n" + //
			"            --tasks segmentation,landmarks,detection --size 128 --depth 3 --width 16 --norm batch\n" + //
			"            --batch 8 --steps 10 --threads 1 --repeats 10 --warmup 2 --attack-repeats 3\n" + //
			"            --attacks pgd (more attacks to time, T steps each) --no-overhead\n" + //
			"            --report (a whole report's time) --long (memory over --long-steps 1000 and 3 reports)\n" + //
			"  generate  the sample data of every task and the volumes (--task NAME): --out sample-data --seed 1\n" + //
			"  report    robustness report of models on a labelled test set (HTML, CSV, PNG plots and examples)\n" + //
			"            --models a.amat.zip,b.amat.zip --images test-images.tif --labels test-labels.tif --out DIR\n" + //
			"            [--evaluation strong|standard|quick] or [--attacks pgd,apgd:masked-ce,fgsm,noise] (custom)\n" + //
			"            [--norm L2] [--eps 0,0.05,0.1] [--unit rms] [--steps 20] [--apgd-steps 12] [--restarts 1]\n" + //
			"            [--no-extra-checks] [--examples 3] [--example-eps E] [--seed 1] [--tile T] (large images)\n" + //
			"            models may be TorchScript (.pt) or ONNX (.onnx) with a JSON description beside them,\n" + //
			"            or bioimage.io packages (zip or folder);\n" + //
			"            [--transfer-source MODEL]: gradient attacks on ONNX models are crafted on it (transfer)\n" + //
			"            split into jobs: [--slice K/N] [--only-models a,b] [--only-attacks pgd,clean] [--only-eps 0.1]\n" + //
			"            write a report part into --out instead of a report\n" + //
			"  report-merge  build the report from the parts: --out DIR PART_FOLDER... (or a folder of parts)\n" + //
			"  attack    a NIfTI volume attacked slice by slice with a segmentation model; writes the adversarial\n" + //
			"            volume, the noise and the predictions with its header: --model M --image v.nii.gz --out DIR\n" + //
			"            [--labels l.nii.gz] [--attack pgd] [--norm L2] [--eps 0.1] [--unit rms] [--iterations 20]\n" + //
			"            [--seed 42] [--slice-axis z] [--tile T] [--batch B] [--device cpu] [--threads N]\n" + //
			"  export    a model as a bioimage.io package (ONNX weights checked with ONNX Runtime, rdf.yaml 0.5)\n" + //
			"            --model m.amat.zip --out m.bioimageio.zip [--report REPORT_DIR] [--image test.tif]\n" + //
			"            [--name N] [--description D] [--authors \"A, B\"] [--license CC-BY-4.0]\n" + //
			"  doctor    versions, CPU flags, devices, threads, memory and a self-test of PyTorch's kernels, with a\n" + //
			"            verdict (exit code 3 when a self-test fails)\n" + //
			"Attacks: " + String.join(", ", AttackTypes.keys()) + "; training methods: " + String.join(", ",
				TrainingMethods.keys()) + ".\n" + //
			"Options of every command: see docs/scripting.md. " + Arrays.asList("train", "demo", "bench", "generate", "report",
				"report-merge", "attack", "export", "doctor"));
	}
}
