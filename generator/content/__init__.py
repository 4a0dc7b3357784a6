"""Reading the content folder: files, YAML, validation, and the model it yields."""
