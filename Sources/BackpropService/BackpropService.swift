import Backprop
import HTTPServer

/// The backpropd API: runs, the worker pool, storage, polling and metrics.
public enum BackpropServiceModule {}
