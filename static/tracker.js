import { initAll } from './nhsuk/nhsuk-frontend.min.js'

initAll()

// Wide tables: show "Scroll the table sideways to see more" only while a table is wider than its frame
// (by more than its own borders).
function markWideTables () {
  document.querySelectorAll('.app-table-frame').forEach(function (frame) {
    const scroller = frame.querySelector('.app-table-scroll')
    frame.classList.toggle('app-table-frame--wide', scroller.scrollWidth > scroller.clientWidth + 8)
  })
}
markWideTables()
window.addEventListener('resize', markWideTables)
