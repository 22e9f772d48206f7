"""The comparison as a whole: the pipeline that runs the stages in order, and the
llm engine's cost plan (``--plan``)."""
