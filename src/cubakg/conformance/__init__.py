"""`cubakg validate`: check anyone's RDF against the model, safely and fast.

- `inputs`: find, guard and parse input files into a pyoxigraph store;
- `shacl`: evaluate the SHACL shapes as SPARQL queries on that store (pyshacl's
  results, many times faster), falling back to pyshacl for what it cannot compile;
- `checks`: what SHACL expresses badly (undefined `ckg:` terms, dangling `id/` IRIs,
  ill-typed literals);
- `report`: text, JSON and Turtle (`sh:ValidationReport`) output;
- `run`: the whole command as a function.
"""
