"""`python -m autograder.lms <subcommand>`: the LMS subcommands without the rest of the CLI."""
import sys

from .commands import main

sys.exit(main())
