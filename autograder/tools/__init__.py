"""Tools beside the grading pipeline: release, sample classes, the demo, stock nbgrader, the bridge."""
