package local

// Feature names the local backend reports in sandbox.Isolation. Where the docker backend reports
// the same guarantee it uses the same name.
const (
	FeatureUserNS       = "user_namespace"
	FeatureMountNS      = "mount_namespace"
	FeaturePIDNS        = "pid_namespace"
	FeatureNetNS        = "network_none"
	FeatureIPCNS        = "ipc_namespace"
	FeatureUTSNS        = "uts_namespace"
	FeatureCgroupNS     = "cgroup_namespace"
	FeaturePivotRoot    = "read_only_root"
	FeatureProc         = "private_proc"
	FeatureLandlock     = "landlock"
	FeatureSeccomp      = "seccomp"
	FeatureNoNewPrivs   = "no_new_privileges"
	FeatureNonRoot      = "non_root_user"
	FeatureCapabilities = "capabilities_dropped"
	FeatureCgroup       = "cgroup"
	FeatureMemory       = "memory_limit"
	FeaturePids         = "pids_limit"
	FeatureCPU          = "cpu_limit"
	FeatureRlimits      = "rlimits"
	FeatureDisk         = "disk_limit"
	FeatureEnv          = "scrubbed_environment"
)

// essentialFeatures are the ones Start refuses to go without (unless Options.Insecure): without
// them the code could see the host's files or processes, reach the network, or exhaust the machine.
var essentialFeatures = []string{
	FeatureUserNS, FeatureMountNS, FeaturePIDNS, FeatureNetNS, FeatureIPCNS, FeatureUTSNS,
	FeaturePivotRoot, FeatureProc, FeatureCgroup, FeatureMemory, FeaturePids,
}
