// The preload exposes exactly the typed contract on window.workbench and no
// raw ipcRenderer. The contract arrives with the UI; today it is empty.
const { contextBridge } = require('electron');
contextBridge.exposeInMainWorld('workbench', Object.freeze({ version: 1 }));
