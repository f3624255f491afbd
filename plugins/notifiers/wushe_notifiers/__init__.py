"""Built-in notifiers: they implement ``wushe_sync_finished`` like any third-party plugin."""
