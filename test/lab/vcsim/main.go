// vharness-vcsim: the simulated vCenter of vharness's lab (govmomi's simulator, VPX model).
//
// It listens on a loopback address only, over TLS with a fresh self-signed certificate written to
// <dir>/cert.pem (the client's CA file), optionally requires one user/password, can expire idle
// sessions, and adds a powered-off template VM to clone from. When it is ready it writes
// <dir>/vcsim.json and prints the same JSON as one line on stdout:
//
//	{"url": "https://127.0.0.1:PORT/sdk", "pid": N, "certFile": "...", "thumbprint": "AA:BB:...", ...}
//
// Guest IPs: the simulator itself applies a CustomizeVM_Task spec with a fixed IP when the VM is
// next powered on (guest.ipAddress and guest.net[0].ipAddress become that address), so vharness's
// provider (clone -> reconfigure -> customize -> power on) sees the pool address it chose, which
// is a real sshd guest of the lab. VMs whose name matches -hold-ip never report an address (a
// registry handler clears it again): that is how tests exercise the IP deadline.
//
// Built offline from Debian's golang-github-vmware-govmomi-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o vcsim .
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// hostSize is what every simulated ESXi host reports (summary.hardware and hardware.cpuInfo).
type hostSize struct {
	Count    int   `json:"count"`
	Threads  int   `json:"cpus"`
	Cores    int   `json:"cores"`
	Sockets  int   `json:"sockets"`
	MemoryGB int64 `json:"-"`
	Memory   int64 `json:"memoryBytes"`
}

// sizeHosts changes govmomi's default host hardware before the model creates its hosts.
// Zero fields keep govmomi's defaults (2 sockets, 2 cores, 2 threads, ~4 GiB).
func sizeHosts(size *hostSize) error {
	hw := esx.HostSystem.Summary.Hardware
	cpusGiven := size.Threads != 0
	if size.Threads == 0 {
		size.Threads = int(hw.NumCpuThreads)
	}
	if size.Sockets == 0 {
		size.Sockets = int(hw.NumCpuPkgs)
	}
	if size.Cores == 0 {
		size.Cores = size.Threads
		if size.Threads >= 2*size.Sockets && size.Threads%2 == 0 && cpusGiven {
			size.Cores = size.Threads / 2 // two hardware threads per core, as on the study's server
		}
	}
	if size.Threads < 1 || size.Sockets < 1 || size.Cores < size.Sockets || size.Cores > size.Threads || size.Cores%size.Sockets != 0 {
		return fmt.Errorf("host size %d CPUs, %d cores, %d sockets: need sockets <= cores <= CPUs and cores a multiple of sockets", size.Threads, size.Cores, size.Sockets)
	}
	hw.NumCpuThreads = int16(size.Threads)
	hw.NumCpuCores = int16(size.Cores)
	hw.NumCpuPkgs = int16(size.Sockets)
	info := &esx.HostHardwareInfo.CpuInfo
	info.NumCpuThreads = int16(size.Threads)
	info.NumCpuCores = int16(size.Cores)
	info.NumCpuPackages = int16(size.Sockets)
	if size.MemoryGB > 0 {
		hw.MemorySize = size.MemoryGB << 30
		esx.HostHardwareInfo.MemorySize = size.MemoryGB << 30
	}
	size.Memory = hw.MemorySize
	return nil
}

type state struct {
	URL         string `json:"url"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	Pid         int    `json:"pid"`
	CertFile    string `json:"certFile"`
	Thumbprint  string `json:"thumbprint"`
	User        string `json:"user,omitempty"`
	Template    string `json:"template"`
	Datacenter  string `json:"datacenter"`
	Cluster     string `json:"cluster"`
	Pool        string `json:"resourcePool"`
	Datastore   string `json:"datastore"`
	Folder      string `json:"folder"`
	IdleTimeout string   `json:"idleTimeout,omitempty"`
	Hosts       hostSize `json:"hosts"`
}

// holdIP clears guest IPs of VMs whose names match a pattern, after every registry update.
type holdIP struct {
	pattern *regexp.Regexp
}

func (h *holdIP) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "VharnessHoldIp", Value: "hold-ip"}
}

func (h *holdIP) PutObject(mo.Reference) {}

func (h *holdIP) RemoveObject(types.ManagedObjectReference) {}

func (h *holdIP) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	vm, ok := obj.(*mo.VirtualMachine)
	if !ok || !h.pattern.MatchString(vm.Name) {
		return
	}
	touched := false
	for _, c := range changes {
		if c.Name == "guest.ipAddress" || c.Name == "guest.net" {
			touched = true
		}
	}
	if !touched || vm.Guest == nil {
		return
	}
	has := vm.Guest.IpAddress != ""
	nets := make([]types.GuestNicInfo, len(vm.Guest.Net))
	for i, n := range vm.Guest.Net {
		if len(n.IpAddress) > 0 || n.IpConfig != nil {
			has = true
		}
		n.IpAddress = nil
		n.IpConfig = nil
		nets[i] = n
	}
	if !has {
		return
	}
	simulator.Map.Update(vm, []types.PropertyChange{
		{Name: "guest.ipAddress", Val: ""},
		{Name: "guest.net", Val: nets},
	})
}

func selfSigned(host string) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "vharness vcsim", Organization: []string{"vharness lab"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP(host)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der, nil
}

func thumbprint(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// makeTemplate clones the model's first cluster VM into a powered-off template named name.
func makeTemplate(ctx context.Context, svc *simulator.Service, name string) error {
	c, err := vim25.NewClient(ctx, svc)
	if err != nil {
		return err
	}
	finder := find.NewFinder(c, true)
	dc, err := finder.Datacenter(ctx, "DC0")
	if err != nil {
		return err
	}
	finder.SetDatacenter(dc)
	src, err := finder.VirtualMachine(ctx, "DC0_C0_RP0_VM0")
	if err != nil {
		return err
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	pool, err := finder.ResourcePool(ctx, "/DC0/host/DC0_C0/Resources")
	if err != nil {
		return err
	}
	ref := pool.Reference()
	task, err := src.Clone(ctx, folders.VmFolder, name, types.VirtualMachineCloneSpec{
		Location: types.VirtualMachineRelocateSpec{Pool: &ref},
		PowerOn:  false,
		Template: true,
	})
	if err != nil {
		return err
	}
	return task.Wait(ctx)
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("vcsim: ")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback only)")
	dir := flag.String("dir", "", "directory for cert.pem and vcsim.json (required)")
	user := flag.String("user", "", "the only user allowed to log in (with -password-file); empty: any non-empty user/password")
	passwordFile := flag.String("password-file", "", "file holding the password of -user")
	idle := flag.Duration("idle-timeout", 0, "expire sessions idle for this long (0: never)")
	template := flag.String("template", "vh-template", "name of the template VM created in DC0/vm")
	hold := flag.String("hold-ip", "", "regexp: VMs whose name matches never report a guest IP")
	parent := flag.Int("parent-pid", 0, "exit when this process is gone (0: do not watch)")
	size := hostSize{}
	flag.IntVar(&size.Count, "hosts", 3, "ESXi hosts in the cluster DC0_C0")
	flag.IntVar(&size.Threads, "host-cpus", 0, "logical CPUs per host (0: govmomi's 2)")
	flag.IntVar(&size.Cores, "host-cores", 0, "physical cores per host (0: host-cpus/2 when given, two threads per core)")
	flag.IntVar(&size.Sockets, "host-sockets", 0, "CPU sockets per host (0: govmomi's 2)")
	flag.Int64Var(&size.MemoryGB, "host-memory-gb", 0, "memory per host in GiB (0: govmomi's ~4 GiB)")
	flag.Parse()

	if *dir == "" {
		log.Fatal("-dir is required")
	}
	host, port, err := net.SplitHostPort(*listen)
	if err != nil {
		log.Fatalf("-listen %q: %v", *listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		log.Fatalf("-listen %q: only loopback addresses are allowed", *listen)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatal(err)
	}

	// The simulator keeps its datastores in temp directories: put them under -dir so
	// removing the lab directory removes everything, even after a SIGKILL.
	tmp := filepath.Join(*dir, "datastores")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		log.Fatal(err)
	}
	os.Setenv("TMPDIR", tmp)

	if size.Count < 1 || size.Count > 64 {
		log.Fatalf("-hosts %d: expected 1..64", size.Count)
	}
	if err := sizeHosts(&size); err != nil {
		log.Fatal(err)
	}

	simulator.SessionIdleTimeout = *idle
	model := simulator.VPX()
	model.ClusterHost = size.Count
	defer model.Remove()
	if err := model.Create(); err != nil {
		log.Fatalf("model: %v", err)
	}
	if err := makeTemplate(context.Background(), model.Service, *template); err != nil {
		log.Fatalf("template: %v", err)
	}
	if *hold != "" {
		re, err := regexp.Compile(*hold)
		if err != nil {
			log.Fatalf("-hold-ip %q: %v", *hold, err)
		}
		simulator.Map.AddHandler(&holdIP{pattern: re})
	}

	cert, der, err := selfSigned(host)
	if err != nil {
		log.Fatalf("certificate: %v", err)
	}
	certFile := filepath.Join(*dir, "cert.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := ioutil.WriteFile(certFile, pemBytes, 0o644); err != nil {
		log.Fatal(err)
	}

	listenURL := &url.URL{Host: net.JoinHostPort(host, port)}
	if *user != "" {
		if *passwordFile == "" {
			log.Fatal("-user needs -password-file")
		}
		pw, err := ioutil.ReadFile(*passwordFile)
		if err != nil {
			log.Fatal(err)
		}
		listenURL.User = url.UserPassword(*user, strings.TrimRight(string(pw), "\r\n"))
	}
	model.Service.Listen = listenURL
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	server := model.Service.NewServer()
	defer server.Close()

	addr := server.Listener.Addr().(*net.TCPAddr)
	st := state{
		URL:        fmt.Sprintf("https://%s/sdk", net.JoinHostPort(host, fmt.Sprint(addr.Port))),
		Host:       host,
		Port:       addr.Port,
		Pid:        os.Getpid(),
		CertFile:   certFile,
		Thumbprint: thumbprint(der),
		User:       *user,
		Template:   *template,
		Datacenter: "DC0",
		Cluster:    "DC0_C0",
		Pool:       "/DC0/host/DC0_C0/Resources",
		Datastore:  "LocalDS_0",
		Folder:     "/DC0/vm",
		Hosts:      size,
	}
	if *idle > 0 {
		st.IdleTimeout = idle.String()
	}
	out, _ := json.Marshal(st)
	if err := ioutil.WriteFile(filepath.Join(*dir, "vcsim.json"), out, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	if *parent > 0 {
		go func() {
			for range time.Tick(500 * time.Millisecond) {
				if err := syscall.Kill(*parent, 0); err == syscall.ESRCH {
					stop <- syscall.SIGTERM
					return
				}
			}
		}()
	}
	<-stop
}
