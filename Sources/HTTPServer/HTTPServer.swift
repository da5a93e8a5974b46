/// A minimal HTTP/1.1 server on Glibc sockets and Dispatch. Knows nothing about training.
public enum HTTPServerModule {}
