"""Finding families used by :func:`analyst_magics.pipeline.insights.insights`, one per module."""
