package hub_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"lifeboat/store"
)

// nginxBin is Debian's nginx, or "" when it is not installed.
func nginxBin() string {
	for _, name := range []string{"nginx", "/usr/sbin/nginx"} {
		if bin, err := exec.LookPath(name); err == nil {
			return bin
		}
	}
	return ""
}

// nginx starts Debian's nginx on 127.0.0.1 serving folder, as a hospital
// would serve the publication, and stops it when the test ends.
func nginx(t testing.TB, folder string) string {
	t.Helper()
	bin := nginxBin()
	if bin == "" {
		t.Skip("nginx is not installed (make test-deps installs it)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	server {
		listen %[2]s;
		root %[3]s;
		location / { etag on; }
	}
}
`, dir, addr, folder)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr
}

func TestAKioskSubscribesThroughNginxServingThePublication(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-1")
	f.step()
	k.Source = nginx(t, f.pub)
	first := subscribe(t, k)
	if len(first.Received) != 1 {
		t.Fatalf("through nginx the kiosk received %v", first.Received)
	}
	// nginx answers the unchanged index with 304: nothing is fetched.
	if up := subscribe(t, k); !up.Unchanged {
		t.Fatalf("an unchanged index through nginx gave %+v", up)
	}
	f.step()
	up := subscribe(t, k)
	if len(up.Received) != 1 || up.Generation <= first.Generation {
		t.Fatalf("a refresh through nginx gave %+v", up)
	}
	snap, err := store.Open(context.Background(), k.Dir, k.Keys)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if snap.Manifest.Generation != up.Generation || snap.Manifest.Census.Ward != "ward-1" {
		t.Fatalf("the kiosk opened %+v", snap.Manifest)
	}
}
