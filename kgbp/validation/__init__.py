"""Blueprint rules: the SHACL engine and the validation service over files and stored blueprints."""
