"""Tests of the nbgrader reflection assignments: build, collect, grade, feedback, export."""
