package kiosk

import "golang.org/x/sys/windows"

// removableMedia are the removable drives (a USB stick's letter, "E:\"),
// as Windows tells them apart from the fixed and network ones.
func removableMedia() []string {
	mask, err := windows.GetLogicalDrives()
	if err != nil {
		return nil
	}
	var out []string
	for i := range 26 {
		if mask&(1<<i) == 0 {
			continue
		}
		root := string(rune('A'+i)) + `:\`
		p, err := windows.UTF16PtrFromString(root)
		if err == nil && windows.GetDriveType(p) == windows.DRIVE_REMOVABLE {
			out = append(out, root)
		}
	}
	return out
}
