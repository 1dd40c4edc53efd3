"""Development data: the demo network (``flask seed-demo``) and the benchmark data
(``flask bench-data``). Only the command line imports these; the app never does."""
