/// The numeric engine of backpropd: numpy-compatible initialisation, sigmoid networks trained by
/// full-batch gradient descent, trials and sweeps. Pure Swift, no I/O.
public enum Backprop {}
