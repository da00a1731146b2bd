//go:build !windows

package app

// asService is Windows's (service_windows.go): elsewhere a service
// manager runs the program as it is (systemd's units in packaging/).
func asService([]string) (int, bool) { return 0, false }
