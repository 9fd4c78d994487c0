"""What the user and the bundle supply, loaded and checked: YAML files, the models, validation,
the catalog of profiles and campaigns, institution lists.  May import planmaker.base only."""
