package main

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

func hideConsole(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_NO_WINDOW}
}

// fail shows msg in a message box, unless LIFEBOATW_NO_DIALOG is set
// (tests under Wine, where nobody would close it), and returns status.
func fail(msg string, status int) int {
	if os.Getenv("LIFEBOATW_NO_DIALOG") == "" {
		text, _ := windows.UTF16PtrFromString(msg)
		title, _ := windows.UTF16PtrFromString("Lifeboat")
		_, _ = windows.MessageBox(0, text, title, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SETFOREGROUND)
	}
	return status
}
