"""Project commands: ``briefgen init`` (:mod:`~briefgen.project.scaffold`, a new project
that builds as is) and ``briefgen schedule`` (:mod:`~briefgen.project.schedule`, the
crontab line that runs the build)."""
