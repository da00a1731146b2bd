//go:build windows

package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// eventSource is the Windows event log source the services write to
// (Windows Logs > Application, source Lifeboat); the MSI registers it.
const eventSource = "Lifeboat"

// serviceFlag, first on the command line, runs the rest of it as a
// Windows service: the MSI's lifeboat-sync service runs `lifeboat.exe
// --windows-service snapshot --config …`. Said, not guessed: the usual
// guess (the parent is services.exe in session 0) is Windows's alone, and
// Wine, where the service is tested, starts services in another session.
const serviceFlag = "--windows-service"

// asService runs the command as a Windows service when the command line
// begins with serviceFlag: the service's stop ends the command as SIGTERM
// does on Linux, what it prints goes to the event log, and its exit status
// is the service's own exit code (sc query shows it).
func asService(args []string) (int, bool) {
	if len(args) == 0 || args[0] != serviceFlag {
		return 0, false
	}
	s := &service{args: args[1:]}
	if err := svc.Run(eventSource, s); err != nil {
		fmt.Fprintf(os.Stderr, "lifeboat: %s is for Windows's service manager (the lifeboat-sync service); run the command without it.\n", serviceFlag)
		return ExitUsage, true
	}
	return s.status, true
}

type service struct {
	args   []string
	status int
}

// stopWait is how long a stopping service waits for its command to end
// (a pull under way is cut short by the cancelled context).
const stopWait = 20 * time.Second

func (s *service) Execute(args []string, req <-chan svc.ChangeRequest, changes chan<- svc.Status) (bool, uint32) {
	changes <- svc.Status{State: svc.StartPending}
	log, err := eventlog.Open(eventSource)
	if err != nil {
		s.status = ExitFailure
		return true, uint32(s.status)
	}
	defer log.Close()
	if len(args) > 0 {
		if err := restartAfterCrashes(args[0]); err != nil {
			_ = log.Warning(eventWarning, "Warning: the service's recovery (restart after a crash) could not be set: "+err.Error())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines := newEventLines(func(id uint32, line string) {
		switch id {
		case eventInfo:
			_ = log.Info(id, line)
		case eventWarning:
			_ = log.Warning(id, line)
		default:
			_ = log.Error(id, line)
		}
	}, time.Now)
	c := &cli{stdin: strings.NewReader(""), stdout: lines.writer(false), stderr: lines.writer(true),
		getenv: os.Getenv, now: time.Now, stop: ctx}
	done := make(chan int, 1)
	go func() { done <- c.run(s.args) }()
	changes <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case s.status = <-done:
			return s.status != ExitOK, uint32(s.status)
		case r := <-req:
			switch r.Cmd {
			case svc.Interrogate:
				changes <- r.CurrentStatus
			case svc.Stop, svc.Shutdown:
				changes <- svc.Status{State: svc.StopPending, WaitHint: uint32(stopWait / time.Millisecond)}
				cancel()
				select {
				case s.status = <-done:
				case <-time.After(stopWait):
					s.status = ExitFailure
				}
				return s.status != ExitOK, uint32(s.status)
			}
		}
	}
}

// restartAfterCrashes gives the service, unless IT set its own, the
// recovery systemd's Restart=on-failure gives the Linux units: restarted
// 30 s after a crash, twice, then after 5 minutes. Only crashes: a command
// that ends by itself with an error (bad settings, a wrong passphrase, a
// refused hub; a running sync outlives a failed step) has said why in the
// event log, and restarting it would only say it again.
func restartAfterCrashes(name string) error {
	m, err := mgr.Connect()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	sv, err := m.OpenService(name)
	if err != nil {
		return err
	}
	defer sv.Close()
	if actions, err := sv.RecoveryActions(); err != nil || len(actions) > 0 {
		return err
	}
	restart := func(d time.Duration) mgr.RecoveryAction {
		return mgr.RecoveryAction{Type: mgr.ServiceRestart, Delay: d}
	}
	return sv.SetRecoveryActions([]mgr.RecoveryAction{restart(30 * time.Second), restart(30 * time.Second), restart(5 * time.Minute)},
		uint32((24 * time.Hour).Seconds()))
}
