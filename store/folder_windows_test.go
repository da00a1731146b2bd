package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// These need Windows itself (go test ./store there). Wine, where make
// package-check runs the store's other tests, keeps no access lists: it
// shows every file's as its owner, Local System and Everyone, and sets
// none, so they skip there.

// skipUnderWine skips a test of access lists under Wine.
func skipUnderWine(t *testing.T) {
	t.Helper()
	if windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil {
		t.Skip("Wine keeps no access lists of files; run this on Windows")
	}
}

// scratch is a folder removed after the test, its removal's error
// ignored: Wine 8 lacks the way Go 1.26's RemoveAll deletes files.
func scratch(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lifeboat-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// broadAccounts are those that stand for every user.
func broadAccounts(t *testing.T) []*windows.SID {
	return []*windows.SID{wellKnown(t, windows.WinWorldSid), wellKnown(t, windows.WinAuthenticatedUserSid), wellKnown(t, windows.WinBuiltinUsersSid)}
}

func anyOf(sids, among []*windows.SID) bool {
	for _, s := range sids {
		if containsSID(among, s) {
			return true
		}
	}
	return false
}

// wellKnown is one of Windows's own accounts (Users, Local System, …).
func wellKnown(t *testing.T, k windows.WELL_KNOWN_SID_TYPE) *windows.SID {
	t.Helper()
	sid, err := windows.CreateWellKnownSid(k)
	if err != nil {
		t.Fatal(err)
	}
	return sid
}

// allowedSIDs lists the accounts a folder's access list allows, and says
// whether the list is protected from inheritance.
func allowedSIDs(t *testing.T, path string) ([]*windows.SID, bool) {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("no access list (%v)", err)
	}
	var sids []*windows.SID
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			t.Fatal(err)
		}
		if ace.Header.AceType == windows.ACCESS_ALLOWED_ACE_TYPE {
			sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
			c, err := sid.Copy()
			if err != nil {
				t.Fatal(err)
			}
			sids = append(sids, c)
		}
	}
	return sids, control&windows.SE_DACL_PROTECTED != 0
}

// grantUsers opens a folder to every user, as %ProgramData% does to what
// is made in it.
func grantUsers(t *testing.T, path string) {
	t.Helper()
	users := wellKnown(t, windows.WinBuiltinUsersSid)
	acl, err := windows.ACLFromEntries([]windows.EXPLICIT_ACCESS{{
		AccessPermissions: windows.GENERIC_READ | windows.GENERIC_WRITE,
		AccessMode:        windows.GRANT_ACCESS,
		Inheritance:       windows.SUB_CONTAINERS_AND_OBJECTS_INHERIT,
		Trustee: windows.TRUSTEE{TrusteeForm: windows.TRUSTEE_IS_SID, TrusteeType: windows.TRUSTEE_IS_GROUP,
			TrusteeValue: windows.TrusteeValueFromSID(users)},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION|windows.UNPROTECTED_DACL_SECURITY_INFORMATION, nil, nil, acl, nil); err != nil {
		t.Fatal(err)
	}
}

func TestOpeningTheFolderMakesItsAccessListPrivate(t *testing.T) {
	skipUnderWine(t)
	dir := filepath.Join(scratch(t), "data")
	if err := os.MkdirAll(filepath.Join(dir, snapshotDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, configFile), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	grantUsers(t, dir)
	if sids, _ := allowedSIDs(t, dir); !anyOf(sids, broadAccounts(t)) {
		t.Fatalf("the test could not open the folder to every user: %v", sids)
	}

	if warn := SecureFolder(dir); len(warn) != 0 {
		t.Fatalf("warnings %q", warn)
	}
	me, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir, filepath.Join(dir, snapshotDir), filepath.Join(dir, configFile)} {
		sids, _ := allowedSIDs(t, path)
		if anyOf(sids, broadAccounts(t)) {
			t.Errorf("%s: every user may still use it: %v", filepath.Base(path), sids)
		}
		if !containsSID(sids, me.User.Sid) {
			t.Errorf("%s: the kiosk's own account lost it", filepath.Base(path))
		}
	}
	// A second opening finds it private and changes nothing.
	if warn := SecureFolder(dir); len(warn) != 0 {
		t.Fatalf("warnings the second time %q", warn)
	}
}

func TestAKeyFileUsersCanReadIsRefusedByItsAccessList(t *testing.T) {
	skipUnderWine(t)
	path := filepath.Join(scratch(t), "ward.pass")
	if err := os.WriteFile(path, []byte("a ward passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	grantUsers(t, path)
	_, err := ReadKeyFile(path, "The passphrase file")
	if !errors.Is(err, ErrKeyFileOpen) || !strings.Contains(err.Error(), "may read it") {
		t.Fatalf("a file Users can read: %v", err)
	}

	// Made private to this account, it is read.
	me, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	acl, err := windows.ACLFromEntries([]windows.EXPLICIT_ACCESS{{
		AccessPermissions: windows.GENERIC_ALL, AccessMode: windows.GRANT_ACCESS,
		Trustee: windows.TRUSTEE{TrusteeForm: windows.TRUSTEE_IS_SID, TrusteeValue: windows.TrusteeValueFromSID(me.User.Sid)},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, acl, nil); err != nil {
		t.Fatal(err)
	}
	b, err := ReadKeyFile(path, "The passphrase file")
	if err != nil || string(b) != "a ward passphrase\n" {
		t.Fatalf("a private file: %q, %v", b, err)
	}
}
