// Linux headers that Swift's Glibc module does not export, for HTTPServer's event loops.
// Header-only: nothing is linked beyond libc.
#include <sys/epoll.h>
#include <sys/eventfd.h>

// The loop names its thread (visible in top -H and perf); glibc declares this only with _GNU_SOURCE.
int pthread_setname_np(unsigned long thread, const char *name);

// accept4 (a GNU extension, so not in Swift's Glibc module): accepting with SOCK_CLOEXEC leaves no
// window in which a process spawned by another thread inherits the new socket.
int accept4(int sockfd, void *addr, unsigned int *addrlen, int flags);
