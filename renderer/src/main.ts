import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { installRoutePreload } from './routePreload'
import './styles.css'

const app = createApp(App).use(createPinia()).use(router)
installRoutePreload(router)
app.mount('#app')
