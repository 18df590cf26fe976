"""Active learning with a Label Studio server (`nianbao label …`; docs/label-studio.md).

server   a local Label Studio in its own venv          client   label-studio-sdk calls, errors for people
config   labeling config from the span scheme          project  setup: create or reuse the project
select   which documents to annotate next (pure)       push     pool → scored → chosen → tasks
pull     annotations → data/annotations (datasets)     round    retrain + before/after table
"""
