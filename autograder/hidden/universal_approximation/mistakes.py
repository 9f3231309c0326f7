"""Mistakes students often make in universal_approximation: the suite raises them, feedback and reports explain them."""
from autograder.hidden import Mistake, MistakeTable, N_


class Mistakes(MistakeTable):
    bump_upside_down = Mistake(
        N_("Your bump points the wrong way"),
        N_("A bump is a step up at the left edge followed by a step down at the right edge; subtracting them in "
           "the other order turns every bump into a dip."))
    steepness_not_on_shift = Mistake(
        N_("Your steepness multiplies x but not the shift"),
        N_("Scaling x alone moves the step: s(k * x - left) rises at left / k, not at left. The steepness must "
           "scale the distance from the edge, so the step stays where it belongs."))
    bump_is_a_product = Mistake(
        N_("Your bump multiplies its two steps"),
        N_("A bump is what two hidden neurons compute together, and a network adds its neurons' outputs: the step "
           "up at left minus the step up at right. A product of a step up and a step down looks the same for "
           "steep, wide bumps, but not where the two steps overlap."))
    bump_overflows = Mistake(
        N_("Your bump overflows far from its interval"),
        N_("e raised to a large number is inf, and differences of infinite values are nan. The notebook's "
           "logistic function is written to stay finite; build the bump from it."))
    missing_output_bias = Mistake(
        N_("Your network starts its staircase at the wrong level"),
        N_("The steps only add up the changes of f across the interval; without an output bias at the "
           "starting value, the whole curve is shifted by that value."))
    loses_the_ends = Mistake(
        N_("Your network misses the target at the ends of the interval"),
        N_("A sigmoid centred exactly on an end is only halfway up there. Start from the right level at the left "
           "end and place the steps between sample points, so no end is left half-way."))
    steepness_does_not_scale = Mistake(
        N_("Your steps do not get steeper as they get closer together"),
        N_("More bumps only help if each step is narrow compared with the spacing between steps; with a fixed "
           "steepness, neighbouring steps blur into each other and the error stops falling."))
