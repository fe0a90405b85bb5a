package org.newtonloss.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecTest {
    enum Shape { ODD_EVEN, BITONIC }

    @Test
    void parsesFamilyAndTypedValues() {
        Spec s = Spec.parse(" dsn : network=bitonic, steepness=20 ,seed=7,flag=true");
        assertEquals("dsn", s.family());
        assertEquals(Shape.BITONIC, s.choice("network", Shape.class, Shape.ODD_EVEN));
        assertEquals(20.0, s.positive("steepness", 10));
        assertEquals(7, s.integer("seed", 0, 0));
        assertTrue(s.bool("flag", false));
        assertEquals(0.25, s.number("art_lambda", 0.25), "absent key gives the default");
        s.requireAllUsed("network", "steepness", "seed", "flag", "art_lambda");
    }

    @Test
    void unknownKeyIsNamedWithTheKnownOnes() {
        Spec s = Spec.parse("dsn:steepnes=3");
        s.number("steepness", 1);
        var e = assertThrows(SpecException.class, () -> s.requireAllUsed("steepness"));
        assertTrue(e.getMessage().contains("'steepnes'") && e.getMessage().contains("known: steepness"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", ":a=1", "dsn:a", "dsn:a=", "dsn:a=1,a=2"})
    void malformedSpecsAreRejected(String text) {
        assertThrows(SpecException.class, () -> Spec.parse(text));
    }

    @Test
    void badValuesNameKeyAndValue() {
        var e1 = assertThrows(SpecException.class, () -> Spec.parse("x:tau=abc").number("tau", 1));
        assertTrue(e1.getMessage().contains("tau") && e1.getMessage().contains("abc"), e1.getMessage());
        var e2 = assertThrows(SpecException.class, () -> Spec.parse("x:tau=-1").positive("tau", 1));
        assertTrue(e2.getMessage().contains("-1"), e2.getMessage());
        var e3 = assertThrows(SpecException.class, () -> Spec.parse("x:tau=NaN").number("tau", 1));
        assertTrue(e3.getMessage().contains("NaN"), e3.getMessage());
        var e4 = assertThrows(SpecException.class, () -> Spec.parse("x:network=ring").choice("network", Shape.class, Shape.ODD_EVEN));
        assertTrue(e4.getMessage().contains("ring") && e4.getMessage().contains("odd_even, bitonic"), e4.getMessage());
    }

    @Test
    void unknownFamilyIsNamed() {
        var e = assertThrows(SpecException.class, () -> Losses.parse("quicksort:tau=1"));
        assertTrue(e.getMessage().contains("'quicksort'"), e.getMessage());
    }
}
