"""运城市应急管理局政务服务平台: the Emergency Management Bureau's service platform."""
