"""`python -m micrograd_lesson` runs the micrograd-lesson command."""

from micrograd_lesson.cli import main

raise SystemExit(main())
