package sc.fiji.amat.plugin;

import java.util.Collections;
import java.util.List;

import org.scijava.plugin.SciJavaPlugin;

/**
 * A plugin users choose by name: an attack, a training method. Discovered as a SciJava plugin of
 * its family's type, so a new one is one class and no edit elsewhere (as TrackMate finds its
 * detectors); its {@code @Plugin} priority orders the lists users see, highest first.
 */
public interface NamedPlugin extends SciJavaPlugin {

	/** What files, reports and code record and compare: short, lower case, e.g. "pgd". */
	String key();

	/** What users see in lists, e.g. "PGD". */
	String displayName();

	/** Other names users may type for it (case, spaces, '-' and '_' never matter). */
	default List<String> aliases() {
		return Collections.emptyList();
	}
}
