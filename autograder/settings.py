"""The grader's settings, as nbgrader keeps its own: traitlets, set in the course's
nbgrader_config.py or on the command line (which wins).

    c.Autograder.isolation = "bwrap"
    c.Autograder.jobs = 4
    c.Autograder.memory_mb = 4096
    c.Autograder.secret = "..."        # better: the AUTOGRADER_SECRET environment variable

The limits are the very sandbox.limits.Limits both sides of the sandbox's pipe read,
so their defaults live in one place.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib

from traitlets import Enum, Float, Integer, Unicode, default
from traitlets.config import Configurable

from . import course
from .language import DEFAULT, LANGUAGES
from .sandbox.limits import Limits

_DEFAULT = Limits()


class Autograder(Configurable):
    """How `autograder grade` (and the demo and the Gradescope run) grade submissions."""

    isolation = Enum(("auto", "bwrap", "none"), default_value="auto", help=(
        "bwrap: every student process in a bubblewrap sandbox (no network, no files but its own); "
        "none: resource limits only, which is weaker; auto: bwrap when it works here")).tag(config=True)
    language = Enum(tuple(LANGUAGES), default_value=DEFAULT, help=(
        "the course's language: the edition nbgrader releases (source/ for English, source_<language>/ "
        "otherwise), the language of the class reports, and of the answer to a submission whose notebook "
        "does not say its edition")).tag(config=True)
    jobs = Integer(0, min=0, help="parallel sandboxes; 0 is one per core").tag(config=True)
    secret = Unicode(help=(
        "seeds the hidden tests' inputs: keep it secret and change it each term (the same on every "
        "Dask worker); default: the AUTOGRADER_SECRET environment variable")).tag(config=True)

    call_seconds = Float(_DEFAULT.call_seconds, min=0.1, help=(
        "seconds one call into student code may take (loading the notebook counts as one)")).tag(config=True)
    wall_seconds = Float(_DEFAULT.wall_seconds, min=1.0, help="seconds a whole submission may take").tag(config=True)
    memory_mb = Integer(_DEFAULT.memory_mb, min=64, help="MB of memory a submission may use").tag(config=True)
    output_bytes = Integer(_DEFAULT.output_bytes, min=0, help="bytes of printed output kept per submission").tag(
        config=True)
    file_bytes = Integer(_DEFAULT.file_bytes, min=0, help="largest file a submission may write").tag(config=True)
    processes = Integer(_DEFAULT.processes, min=4, help="processes and threads a submission may run").tag(
        config=True)

    @default("secret")
    def _secret_from_environment(self):
        from .hidden import DEFAULT_SECRET

        return os.environ.get("AUTOGRADER_SECRET", DEFAULT_SECRET)

    @property
    def limits(self) -> Limits:
        return Limits(**{f.name: getattr(self, f.name) for f in dataclasses.fields(Limits)})

    @property
    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1


def load(root: pathlib.Path | str = ".", **given) -> Autograder:
    """The settings of the course at root (its nbgrader_config.py), with `given` (the command
    line's; None means not given) on top."""
    settings = Autograder(config=course.nbgrader_config(pathlib.Path(root)))
    for name, value in given.items():
        if value is not None:
            setattr(settings, name, value)
    return settings


def options() -> list[tuple[str, str]]:
    """(name, help) of every setting, for the documentation."""
    return [(name, trait.help) for name, trait in Autograder.class_traits(config=True).items()]
