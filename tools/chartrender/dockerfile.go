package main

// Static checks of deploy/Dockerfile (no Docker engine needed): Debian bookworm bases, nothing
// downloaded but Debian packages, the build stage has deploy/setup's build packages, the final
// stage has no build tools, runs as a non-root user, and holds every service binary and ccmsctl.
// With --binary, the shared libraries of built binaries must come from packages the final stage
// installs (or their dependencies): ldd and dpkg on this Debian 12 machine decide.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type dockerStage struct {
	from     string
	name     string
	lines    []string // instructions, continuation lines joined
	packages []string // apt-get install arguments
}

var (
	fromLine   = regexp.MustCompile(`(?i)^FROM\s+(\S+)(?:\s+AS\s+(\S+))?`)
	aptInstall = regexp.MustCompile(`apt-get\s+install\s+([^&;|]*)`)
)

func parseDockerfile(path string) ([]*dockerStage, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var stages []*dockerStage
	var cur *dockerStage
	var pending string
	for _, line := range strings.Split(string(raw), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || (t == "" && pending == "") {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			pending += strings.TrimSuffix(t, "\\") + " "
			continue
		}
		instr := pending + t
		pending = ""
		if m := fromLine.FindStringSubmatch(instr); m != nil {
			cur = &dockerStage{from: m[1], name: m[2]}
			stages = append(stages, cur)
		}
		if cur == nil {
			continue
		}
		cur.lines = append(cur.lines, instr)
		for _, m := range aptInstall.FindAllStringSubmatch(instr, -1) {
			for _, w := range strings.Fields(m[1]) {
				if !strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "$") {
					cur.packages = append(cur.packages, w)
				}
			}
		}
	}
	return stages, nil
}

func setupPackages(root string) ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "deploy", "setup"))
	if err != nil {
		return nil, err
	}
	m := regexp.MustCompile(`(?s)PACKAGES=\((.*?)\n\)`).FindSubmatch(raw)
	if m == nil {
		return nil, fmt.Errorf("deploy/setup: no PACKAGES=( … ) list")
	}
	var out []string
	for _, line := range strings.Split(string(m[1]), "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		out = append(out, strings.Fields(line)...)
	}
	return out, nil
}

// buildPackage: a package of deploy/setup the image's build stage needs (C++ build, no tests).
func buildPackage(p string) bool {
	switch {
	case strings.HasPrefix(p, "golang-"), p == "libgtest-dev", p == "libgmock-dev", p == "libbenchmark-dev",
		p == "libfuzzer-14-dev": // test tools, not the image's build
		return false
	case strings.HasSuffix(p, "-dev"), p == "build-essential", p == "cmake", p == "pkg-config",
		p == "protobuf-compiler", p == "protobuf-compiler-grpc":
		return true
	}
	return false
}

func buildTool(p string) bool {
	return strings.HasSuffix(p, "-dev") || p == "build-essential" || p == "cmake" || p == "pkg-config" ||
		p == "gcc" || p == "g++" || p == "make" || p == "ccache" || p == "git" ||
		strings.HasPrefix(p, "protobuf-compiler") || p == "curl" || p == "wget"
}

// CheckDockerfile runs the static checks, then the library check for each --binary.
func CheckDockerfile(root, path string, binaries ...string) ([]string, string) {
	var problems []string
	var summary strings.Builder
	if path == "" {
		path = filepath.Join(root, "deploy", "Dockerfile")
	}
	stages, err := parseDockerfile(path)
	if err != nil {
		return []string{err.Error()}, ""
	}
	if len(stages) < 2 {
		return []string{"deploy/Dockerfile must be multi-stage (a build stage and a runtime stage)"}, ""
	}
	names := map[string]bool{}
	for _, s := range stages {
		if !names[s.from] && !regexp.MustCompile(`^debian:bookworm(-slim)?(@sha256:[0-9a-f]{64})?$`).MatchString(s.from) {
			problems = append(problems, fmt.Sprintf("stage %q starts FROM %s: only Debian bookworm (or an earlier stage)", s.name, s.from))
		}
		if s.name != "" {
			names[s.name] = true
		}
		for _, l := range s.lines {
			if regexp.MustCompile(`(?i)\b(curl|wget)\b|^ADD\s+https?://|go get|pip install|npm `).MatchString(l) {
				problems = append(problems, fmt.Sprintf("downloads something other than Debian packages: %s", l))
			}
		}
	}
	build, final := stages[0], stages[len(stages)-1]
	fmt.Fprintf(&summary, "Dockerfile: %d stages; build stage installs %d packages, runtime stage %d\n", len(stages), len(build.packages), len(final.packages))

	setup, err := setupPackages(root)
	if err != nil {
		problems = append(problems, err.Error())
	}
	have := map[string]bool{}
	for _, p := range build.packages {
		have[p] = true
	}
	for _, p := range setup {
		if buildPackage(p) && !have[p] {
			problems = append(problems, fmt.Sprintf("build stage does not install %s, which deploy/setup lists for the build", p))
		}
	}
	for _, p := range final.packages {
		if buildTool(p) {
			problems = append(problems, fmt.Sprintf("runtime stage installs the build tool %s", p))
		}
	}
	buildText := strings.Join(build.lines, "\n")
	if !strings.Contains(buildText, "CCMS_BUILD_TESTS=OFF") {
		problems = append(problems, "build stage must configure with -DCCMS_BUILD_TESTS=OFF")
	}
	finalText := strings.Join(final.lines, "\n")
	user := ""
	for _, l := range final.lines {
		if strings.HasPrefix(strings.ToUpper(l), "USER ") {
			user = strings.TrimSpace(l[5:])
		}
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") || !regexp.MustCompile(`^[1-9][0-9]*(:[1-9][0-9]*)?$`).MatchString(user) {
		problems = append(problems, fmt.Sprintf("runtime stage must end as a numeric non-root USER (runAsNonRoot needs a number), is %q", user))
	}
	// Every service binary and ccmsctl lands in /usr/local/bin.
	bins, _ := binaryServices(root)
	var want []string
	for _, s := range bins {
		want = append(want, s.Binary)
	}
	want = append(want, "ccmsctl")
	sort.Strings(want)
	// A glob over the build's services folder installs every service, present and future.
	installs := regexp.MustCompile(`find \S*/services .*-name '?ccms-\*'?`).MatchString(buildText)
	for _, b := range want {
		if !installs && !strings.Contains(buildText, b) {
			problems = append(problems, fmt.Sprintf("build stage does not install %s", b))
		}
	}
	if !strings.Contains(buildText, "ccmsctl") {
		problems = append(problems, "build stage does not install ccmsctl")
	}
	if !strings.Contains(finalText, "/usr/local/bin") {
		problems = append(problems, "runtime stage does not copy the binaries to /usr/local/bin")
	}
	fmt.Fprintf(&summary, "image binaries: %s\n", strings.Join(want, ", "))

	if len(binaries) > 0 {
		p, s := checkRuntimeLibraries(final.packages, binaries)
		problems = append(problems, p...)
		summary.WriteString(s)
	}
	return problems, summary.String()
}

var pkgName = regexp.MustCompile(`^([a-z0-9][a-z0-9+.-]*)`)

// checkRuntimeLibraries: every shared library of the binaries belongs to a listed package, to a
// dependency of one, or to a package every Debian image has (Priority: required). Three dpkg
// calls in all: the installed packages with their dependencies, ldd per binary, one dpkg -S.
func checkRuntimeLibraries(listed, binaries []string) ([]string, string) {
	var problems []string
	type pkgInfo struct {
		deps     []string
		priority string
	}
	installed := map[string]pkgInfo{}
	out, err := exec.Command("dpkg-query", "-W", "-f=${Package}\t${Priority}\t${Pre-Depends}, ${Depends}\n").Output()
	if err != nil {
		return []string{fmt.Sprintf("dpkg-query: %v", err)}, ""
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			continue
		}
		info := pkgInfo{priority: f[1]}
		for _, dep := range strings.Split(f[2], ",") {
			for _, alt := range strings.Split(dep, "|") {
				if m := pkgName.FindStringSubmatch(strings.TrimSpace(alt)); m != nil {
					info.deps = append(info.deps, strings.SplitN(m[1], ":", 2)[0])
				}
			}
		}
		installed[f[0]] = info
	}
	closure := map[string]bool{}
	queue := append([]string(nil), listed...)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if closure[p] {
			continue
		}
		closure[p] = true
		queue = append(queue, installed[p].deps...)
	}
	for _, p := range listed {
		if _, ok := installed[p]; !ok {
			problems = append(problems, fmt.Sprintf("runtime stage installs %s, which is not a Debian 12 package installed here", p))
		}
	}
	libs := map[string]bool{}
	for _, b := range binaries {
		out, err := exec.Command("ldd", b).Output()
		if err != nil {
			problems = append(problems, fmt.Sprintf("ldd %s: %v", b, err))
			continue
		}
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) >= 3 && f[1] == "=>" && strings.HasPrefix(f[2], "/") {
				libs[f[2]] = true
			} else if strings.Contains(line, "not found") {
				problems = append(problems, fmt.Sprintf("%s: %s", b, strings.TrimSpace(line)))
			}
		}
	}
	// The paths dpkg may know a library by (merged /usr: /lib and /usr/lib are one).
	candidates := map[string]string{}
	for lib := range libs {
		paths := []string{lib}
		if real, err := filepath.EvalSymlinks(lib); err == nil {
			paths = append(paths, real)
		}
		for _, c := range append([]string(nil), paths...) {
			if strings.HasPrefix(c, "/usr/lib/") {
				paths = append(paths, strings.TrimPrefix(c, "/usr"))
			} else if strings.HasPrefix(c, "/lib/") {
				paths = append(paths, "/usr"+c)
			}
		}
		for _, c := range paths {
			candidates[c] = lib
		}
	}
	args := []string{"-S"}
	for c := range candidates {
		args = append(args, c)
	}
	owned := map[string]string{}
	dpkgOut, _ := exec.Command("dpkg", args...).Output() // exits 1 when some path is unknown
	for _, line := range strings.Split(string(dpkgOut), "\n") {
		i := strings.Index(line, ": /")
		if i < 0 {
			continue
		}
		owner := strings.TrimSpace(strings.SplitN(line[:i], ",", 2)[0])
		owner = strings.SplitN(owner, ":", 2)[0]
		if lib, ok := candidates[line[i+2:]]; ok {
			owned[lib] = owner
		}
	}
	owners := map[string]bool{}
	for lib := range libs {
		if owned[lib] == "" {
			problems = append(problems, fmt.Sprintf("no Debian package owns %s", lib))
			continue
		}
		owners[owned[lib]] = true
	}
	var missing, names []string
	for o := range owners {
		names = append(names, o)
		if !closure[o] && installed[o].priority != "required" {
			missing = append(missing, o)
		}
	}
	sort.Strings(missing)
	sort.Strings(names)
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("the runtime stage misses packages the binaries link: %s", strings.Join(missing, " ")))
	}
	return problems, fmt.Sprintf("binaries link %d libraries from %d packages: %s\n", len(libs), len(owners), strings.Join(names, " "))
}
