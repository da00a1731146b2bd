//go:build windows

package store

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// unixModes is false: Windows has access lists, not permission bits.
const unixModes = false

// secureFolderACL is SecureFolder on Windows: the data folder's access
// list is made to grant full control to its owner (the account that made
// it: the kiosk's), to this process's account (a service run as Local
// System beside it), to Local System and to Administrators, to nobody
// else, and to be inherited by everything in the folder rather than
// inherit from above it (where %ProgramData% lets every user read). Set
// on the folder, the list is carried to the files already in it. It is
// left alone when it is already so.
func secureFolderACL(dir string) []string {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return nil
	}
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return []string{fmt.Sprintf("the data folder's access list could not be read (%v): other accounts may read or change it", err)}
	}
	allowed, err := folderAccounts(sd)
	if err != nil {
		return []string{fmt.Sprintf("the data folder's access list could not be checked (%v): other accounts may read or change it", err)}
	}
	if folderACLIsPrivate(sd, allowed) {
		return nil
	}
	entries := make([]windows.EXPLICIT_ACCESS, len(allowed))
	for i, sid := range allowed {
		entries[i] = windows.EXPLICIT_ACCESS{
			AccessPermissions: windows.GENERIC_ALL,
			AccessMode:        windows.GRANT_ACCESS,
			Inheritance:       windows.SUB_CONTAINERS_AND_OBJECTS_INHERIT,
			Trustee: windows.TRUSTEE{
				TrusteeForm:  windows.TRUSTEE_IS_SID,
				TrusteeType:  windows.TRUSTEE_IS_UNKNOWN,
				TrusteeValue: windows.TrusteeValueFromSID(sid),
			},
		}
	}
	acl, err := windows.ACLFromEntries(entries, nil)
	if err == nil {
		err = windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
			windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, acl, nil)
	}
	if err != nil {
		return []string{fmt.Sprintf("the data folder's access list could not be made private (%v): other accounts may read or change it", err)}
	}
	return nil
}

// folderAccounts are the accounts the data folder is for: its owner, this
// process's account, Local System and Administrators.
func folderAccounts(sd *windows.SECURITY_DESCRIPTOR) ([]*windows.SID, error) {
	owner, _, err := sd.Owner()
	if err != nil {
		return nil, err
	}
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, err
	}
	system, err := windows.CreateWellKnownSid(windows.WinLocalSystemSid)
	if err != nil {
		return nil, err
	}
	admins, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if err != nil {
		return nil, err
	}
	var sids []*windows.SID
	for _, s := range []*windows.SID{owner, user.User.Sid, system, admins} {
		if s != nil && !containsSID(sids, s) {
			sids = append(sids, s)
		}
	}
	return sids, nil
}

// folderACLIsPrivate says whether the folder's list is protected from
// inheritance and allows nobody but the accounts given.
func folderACLIsPrivate(sd *windows.SECURITY_DESCRIPTOR, allowed []*windows.SID) bool {
	control, _, err := sd.Control()
	if err != nil || control&windows.SE_DACL_PROTECTED == 0 {
		return false
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil { // no list at all lets everyone in
		return false
	}
	entries, err := allowedEntries(dacl)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !containsSID(allowed, e.sid) {
			return false
		}
	}
	return true
}

// allowedEntry is an entry of an access list that allows (denials take
// nothing away from privacy, and are left out).
type allowedEntry struct {
	sid  *windows.SID
	mask windows.ACCESS_MASK
}

// allowedEntries lists the entries of dacl that allow someone something.
func allowedEntries(dacl *windows.ACL) ([]allowedEntry, error) {
	var out []allowedEntry
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return nil, err
		}
		if ace.Header.AceType == windows.ACCESS_ALLOWED_ACE_TYPE {
			out = append(out, allowedEntry{(*windows.SID)(unsafe.Pointer(&ace.SidStart)), ace.Mask})
		}
	}
	return out, nil
}

func containsSID(sids []*windows.SID, s *windows.SID) bool {
	for _, t := range sids {
		if t.Equals(s) {
			return true
		}
	}
	return false
}

// keyFileOpenTo names the account of everyone, or of all users, whose
// access list entry lets it read the key file ("" when none does): the
// Windows side of refusing a key file others can read. A file with no
// access list at all is open to everyone; one whose list cannot be read
// is refused too, as a file that cannot be stat'ed is on Unix.
func keyFileOpenTo(f *os.File) string {
	const unknown = "any account, for all that can be read of its access list,"
	sd, err := windows.GetSecurityInfo(windows.Handle(f.Fd()), windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return unknown
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return unknown
	}
	if dacl == nil {
		return "Everyone"
	}
	entries, err := allowedEntries(dacl)
	if err != nil {
		return unknown
	}
	const reads = windows.FILE_READ_DATA | windows.GENERIC_READ | windows.GENERIC_ALL
	for _, e := range entries {
		if uint32(e.mask)&reads == 0 {
			continue
		}
		for _, b := range []struct {
			kind windows.WELL_KNOWN_SID_TYPE
			name string
		}{{windows.WinWorldSid, "Everyone"}, {windows.WinAuthenticatedUserSid, "Authenticated Users"}, {windows.WinBuiltinUsersSid, "Users"}} {
			if e.sid.IsWellKnown(b.kind) {
				return b.name
			}
		}
	}
	return ""
}
