"""The Qt layer: main window, patient list, plan editor. Talks only to `careplanner.services`."""
