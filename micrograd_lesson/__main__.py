"""`python -m micrograd_lesson` runs the micrograd-lesson command."""

from micrograd_lesson.app.cli import main

raise SystemExit(main())
