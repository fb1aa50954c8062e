export { FakeKubelet, PluginConnection } from './fake-kubelet.js';
