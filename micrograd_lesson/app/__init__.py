"""The programs built on the library: the command line, the terminal tour and the quiz.

The library never imports them."""
