"""The plan itself: resolving a plan file against its profile and campaign, its dates, coverage
and annexes, and composing its text.  May import planmaker.base and planmaker.inputs."""
