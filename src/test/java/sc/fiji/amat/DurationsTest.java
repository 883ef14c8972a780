package sc.fiji.amat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DurationsTest {

	@Test
	void secondsRoundAndMinutesKeepTwoDigitSeconds() {
		assertEquals("0 s", Durations.text(0.4));
		assertEquals("59 s", Durations.text(59.4));
		assertEquals("1 min 00 s", Durations.text(59.6));
		assertEquals("3 min 05 s", Durations.text(185));
		assertEquals("125 min 00 s", Durations.text(7500));
	}

	@Test
	void anUnknownTimeLeftIsAQuestionMark() {
		assertEquals("?", Durations.text(Double.NaN));
		assertEquals("?", Durations.text(-1));
		assertEquals("?", Durations.text(Double.POSITIVE_INFINITY));
	}
}
