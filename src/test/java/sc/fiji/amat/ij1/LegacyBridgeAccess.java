package sc.fiji.amat.ij1;

import org.scijava.module.ModuleItem;

/** Test access to the bridge's notion of a user input (what becomes a macro key). */
public final class LegacyBridgeAccess {

	private LegacyBridgeAccess() {}

	public static boolean isUserInput(final ModuleItem<?> item) {
		return LegacyBridge.isUserInput(item);
	}
}
