package redistest

import (
	"os/exec"
	"syscall"
)

// setProcAttr asks the kernel to kill redis-server if the test binary dies
// without running its cleanups (a panic, a -timeout), so no server outlives
// the tests.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
