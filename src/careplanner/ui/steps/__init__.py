"""One widget per step of the appointment; each follows the contract in `base.StepWidget`."""
