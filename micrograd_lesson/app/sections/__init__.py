"""The live lesson's sections, one module each: plain data in, plain data out, no web stack and no threads."""
