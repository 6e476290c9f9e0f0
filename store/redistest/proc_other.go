//go:build !linux

package redistest

import (
	"os"
	"syscall"
)

var sigterm os.Signal = syscall.SIGTERM

func sysProcAttr() *syscall.SysProcAttr { return nil }
