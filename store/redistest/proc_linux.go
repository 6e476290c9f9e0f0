package redistest

import (
	"os"
	"syscall"
)

var sigterm os.Signal = syscall.SIGTERM

// sysProcAttr has the kernel kill redis-server if the test binary dies before its
// cleanup could.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
